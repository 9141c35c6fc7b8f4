#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <functional>

namespace accel::ui {

/// How the Cluster panel starts and stops the console's own coordinator and worker. The shell
/// (ConsoleRuntime) fills it in; a missing function disables the matching buttons.
/// Every function runs on the GUI thread and must not block for long.
struct LocalClusterControl
{
    /// Start/stop; false with *error (English, shown to the operator) when it failed.
    std::function<bool(QString *error)> startCoordinator;
    std::function<bool(QString *error)> stopCoordinator;
    std::function<bool(QString *error)> startWorker;
    std::function<bool(QString *error)> stopWorker;
    std::function<bool()> coordinatorRunning;
    std::function<bool()> workerRunning;
    /// The local coordinator's URL and token while it runs (false when it does not).
    std::function<bool(QUrl *url, QByteArray *token)> localEndpoint;

    bool canControlCoordinator() const { return startCoordinator && stopCoordinator && coordinatorRunning; }
    bool canControlWorker() const { return startWorker && stopWorker && workerRunning; }
};

} // namespace accel::ui
