// Importing a command file registers it. One line per command file.
import './import';
import './demo';
import './stats';
import './export';
import './serve';
import './bench';
import './export-onnx';
import './train';
import './runs';
import './eval';
import './compare';
import './predict';
import './suspects';
import './weights';
import './doctor';
import './sources';
