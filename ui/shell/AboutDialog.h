#pragma once

#include <QDialog>

namespace accel::ui {

/// Versions an operator needs in a bug report: ours, Qt's, QtWebEngine's and its Chromium.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(QWidget *parent = nullptr);
    /// The same facts as plain text (also shown by `accelerate-console --version`).
    static QString versionReport();
};

} // namespace accel::ui
