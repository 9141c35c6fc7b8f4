#include "shell/AboutDialog.h"

#include "common/Version.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QSysInfo>
#include <QVBoxLayout>
#include <QtWebEngineCore/qtwebenginecoreglobal.h>

namespace accel::ui {

AboutDialog::AboutDialog(QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("About Accelerate Console"));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(this);
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    text->setText(tr("<h3>Accelerate Console %1</h3>"
                     "<p>Operator console for AI models on browser compute (WebGPU, WebNN, Wasm) "
                     "and for distributed test fleets.</p>")
                      .arg(projectVersion()) +
                  QStringLiteral("<pre>%1</pre>").arg(versionReport().toHtmlEscaped()));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString AboutDialog::versionReport()
{
    return QStringLiteral("Accelerate Console %1\nQt %2 (built with %3)\nQtWebEngine %4 (Chromium %5)\n%6")
        .arg(projectVersion(), QString::fromLatin1(qVersion()), QStringLiteral(QT_VERSION_STR),
             QString::fromLatin1(qWebEngineVersion()), QString::fromLatin1(qWebEngineChromiumVersion()),
             QSysInfo::prettyProductName());
}

} // namespace accel::ui
