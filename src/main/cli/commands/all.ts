// Importing a command file registers it. One line per command file.
import './serve';
