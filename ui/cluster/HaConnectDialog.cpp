#include "cluster/HaConnectDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace accel::ui {

namespace {

QStringList splitList(const QString &text)
{
    QStringList out;
    for (const QString &part :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts)) {
        out << part.trimmed();
    }
    return out;
}

bool isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() &&
           (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) &&
           !url.host().isEmpty() && url.port() > 0;
}

} // namespace

HaConnectDialog::HaConnectDialog(QWidget *parent)
    : QDialog(parent)
    , m_etcd(new QLineEdit(this))
    , m_coordinators(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_prefix(new QLineEdit(QStringLiteral("/accel"), this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Connect to a redundant cluster"));
    m_etcd->setPlaceholderText(tr("http://10.0.0.1:2379, http://10.0.0.2:2379, ..."));
    m_coordinators->setPlaceholderText(tr("http://10.0.0.1:7420, http://10.0.0.2:7420, ..."));
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("contents of the coordinators' token file"));
    m_problem->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("etcd endpoints:"), m_etcd);
    form->addRow(tr("Coordinators:"), m_coordinators);
    form->addRow(tr("Token:"), m_token);
    form->addRow(tr("etcd prefix:"), m_prefix);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    for (QLineEdit *edit : {m_etcd, m_coordinators, m_token, m_prefix}) {
        connect(edit, &QLineEdit::textChanged, this, &HaConnectDialog::validate);
    }
    validate();
}

void HaConnectDialog::setValues(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators,
                                const QByteArray &token)
{
    QStringList urls;
    for (const QUrl &u : coordinators) {
        urls << u.toString(QUrl::StripTrailingSlash);
    }
    m_etcd->setText(etcdEndpoints.join(QLatin1String(", ")));
    m_coordinators->setText(urls.join(QLatin1String(", ")));
    m_token->setText(QString::fromUtf8(token));
}

QStringList HaConnectDialog::etcdEndpoints() const
{
    return splitList(m_etcd->text());
}

QList<QUrl> HaConnectDialog::coordinatorUrls() const
{
    QList<QUrl> out;
    for (const QString &s : splitList(m_coordinators->text())) {
        out << QUrl(s, QUrl::StrictMode);
    }
    return out;
}

QByteArray HaConnectDialog::token() const
{
    return m_token->text().trimmed().toUtf8();
}

QByteArray HaConnectDialog::prefix() const
{
    return m_prefix->text().trimmed().toUtf8();
}

void HaConnectDialog::setPrefix(const QByteArray &prefix)
{
    m_prefix->setText(QString::fromUtf8(prefix));
}

QString HaConnectDialog::problem() const
{
    const QStringList etcd = etcdEndpoints();
    const QStringList coordinators = splitList(m_coordinators->text());
    if (etcd.isEmpty() && coordinators.isEmpty()) {
        return tr("Enter the etcd endpoints, the coordinator URLs, or both.");
    }
    for (const QString &e : etcd) {
        if (!isHttpUrl(e)) {
            return tr("'%1' is not an etcd endpoint of the form http://host:port.").arg(e);
        }
    }
    for (const QString &c : coordinators) {
        if (!isHttpUrl(c)) {
            return tr("'%1' is not a coordinator URL of the form http://host:port.").arg(c);
        }
    }
    if (etcd.size() > 16 || coordinators.size() > 16) {
        return tr("At most 16 etcd endpoints and 16 coordinators.");
    }
    const QByteArray p = prefix();
    if (!p.startsWith('/') || p.endsWith('/') || p.size() > 200) {
        return tr("The etcd prefix must start with '/' and not end with '/' (default /accel).");
    }
    if (!coordinators.isEmpty() && token().isEmpty()) {
        return tr("The coordinators need their token.");
    }
    return {};
}

void HaConnectDialog::validate()
{
    const QString why = problem();
    m_problem->setText(why);
    m_ok->setEnabled(why.isEmpty());
}

} // namespace accel::ui
