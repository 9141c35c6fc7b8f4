#include "cluster/ConnectDialog.h"

#include "cluster/AccessToken.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace accel::ui {

ConnectDialog::ConnectDialog(const QUrl &initialUrl, QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setWindowTitle(tr("Connect to a coordinator"));
    m_url->setText(initialUrl.toString());
    m_url->setPlaceholderText(tr("https://coordinator.example:7420"));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("access token"));
    m_token->setAttribute(Qt::WA_InputMethodEnabled, false);
    auto *fromFile = new QPushButton(tr("From file..."), this);
    fromFile->setToolTip(tr("Read the token from the coordinator's token file"));
    connect(fromFile, &QPushButton::clicked, this, [this] {
        auto *picker = new QFileDialog(this, tr("Token file"));
        picker->setAttribute(Qt::WA_DeleteOnClose);
        picker->setFileMode(QFileDialog::ExistingFile);
        connect(picker, &QFileDialog::fileSelected, this,
                [this](const QString &path) { loadTokenFile(path); });
        picker->open();
    });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(fromFile);

    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Coordinator URL:"), m_url);
    form->addRow(tr("Token:"), tokenRow);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

QUrl ConnectDialog::url() const
{
    return QUrl(m_url->text().trimmed());
}

QByteArray ConnectDialog::token() const
{
    return m_token->text().trimmed().toUtf8();
}

QString ConnectDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

bool ConnectDialog::loadTokenFile(const QString &path)
{
    QString error;
    const QByteArray token = AccessToken::read(path, &error);
    if (token.isEmpty()) {
        m_error->setText(tr("Cannot read the token file: %1").arg(error));
        m_error->show();
        return false;
    }
    m_token->setText(QString::fromUtf8(token));
    m_error->hide();
    return true;
}

void ConnectDialog::accept()
{
    const QUrl u = QUrl(m_url->text().trimmed());
    if (!u.isValid() || u.host().isEmpty() ||
        (u.scheme() != QLatin1String("http") && u.scheme() != QLatin1String("https"))) {
        m_error->setText(tr("Enter an http:// or https:// URL with a host, e.g. http://127.0.0.1:7420."));
        m_error->show();
        return;
    }
    if (token().isEmpty()) {
        m_error->setText(tr("Enter the coordinator's access token or read it from its token file."));
        m_error->show();
        return;
    }
    m_error->hide();
    QDialog::accept();
}

} // namespace accel::ui
