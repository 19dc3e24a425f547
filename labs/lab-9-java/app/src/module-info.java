// The app is a module: it says which of the JDK's modules it needs, so jdeps
// and jlink can find them, and a runtime that lacks one refuses to start it
// with an error that names the module.
module slimlab.app {
    requires jdk.httpserver;
}
