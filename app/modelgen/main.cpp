// accel-modelgen DIR: writes the bundled demo model (GPT-2 shaped, random weights from a fixed
// seed; deterministic, byte-identical on every machine) as DIR/config.json + DIR/model.safetensors.
// Runs at build time (app/modelgen/CMakeLists.txt).
#include "model/DemoModel.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 2) {
        QTextStream(stderr) << "usage: accel-modelgen DIR\n";
        return 2;
    }
    accel::ModelError error;
    if (!accel::DemoModel::write(args.at(1), &error)) {
        QTextStream(stderr) << "accel-modelgen: " << error.message << '\n';
        return 1;
    }
    return 0;
}
