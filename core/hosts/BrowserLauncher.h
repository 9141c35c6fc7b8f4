#pragma once

#include "hosts/HostKind.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace accel {

class BrowserProcess;

/// A browser found on this machine.
struct BrowserInstall
{
    HostKind kind = HostKind::Chromium;
    QString program; // absolute path
};

struct BrowserLaunchOptions
{
    bool headless = true;
    /// Appended after our flags (before the URL).
    QStringList extraArguments;
};

/// Finds Chromium/Chrome, Firefox and Edge and starts them as compute hosts: each with a fresh
/// temporary profile, the flags that enable its compute features, in its own process group.
///
/// Discovery order per kind: the environment override (ACCEL_CHROMIUM, ACCEL_FIREFOX,
/// ACCEL_EDGE: a program path), then well-known program names on PATH, then well-known install
/// paths. Flags (measured on Debian 12, see docs/host-protocol.md "Launching browsers"):
/// - Chromium/Chrome/Edge: --enable-unsafe-webgpu --enable-unsafe-swiftshader,
///   --enable-features=WebMachineLearningNeuralNetwork, no background throttling, a throw-away
///   --user-data-dir, --headless when headless, --no-sandbox only when running as root.
/// - Firefox: --no-remote --profile DIR (--headless + MOZ_HEADLESS=1 when headless) and a user.js
///   enabling WebGPU (dom.webgpu.enabled, gfx.webgpu.ignore-blocklist, gfx.webgpu.force-enabled)
///   and quietening the first run.
class BrowserLauncher
{
public:
    static QList<BrowserInstall> detect();
    static std::optional<BrowserInstall> find(HostKind kind);
    /// Program names and absolute paths searched for `kind`, in order (without the override).
    static QStringList candidates(HostKind kind);

    /// Command line for `kind` (pure: no file system access). `asRoot` adds --no-sandbox for
    /// Chromium-family browsers, which refuse to run as root otherwise.
    static QStringList arguments(HostKind kind, const QString &profileDir, const QUrl &url,
                                 const BrowserLaunchOptions &options, bool asRoot);
    /// Contents of Firefox's user.js for a compute host.
    static QByteArray firefoxUserJs();

    /// Creates the profile, writes user.js for Firefox, and starts the browser on `url`.
    /// Returns the running process (owned by `parent`) or nullptr with `error`.
    static BrowserProcess *launch(const BrowserInstall &browser, const QUrl &url,
                                  const BrowserLaunchOptions &options, QObject *parent,
                                  QString *error = nullptr);
};

} // namespace accel
