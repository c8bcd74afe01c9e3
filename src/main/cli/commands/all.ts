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
import './run';
import './eval';
import './compare';
import './predict';
import './suspects';
import './weights';
import './doctor';
import './sources';
import './predict-all';
// Pre-labels and the review queue (#14)
import './prelabel';
import './next';
// Embedding map + similar images (#13)
import './map';
import './similar';
// Grad-CAM heat maps (#13, saliency)
import './explain';
