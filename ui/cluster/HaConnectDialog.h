#pragma once

#include <QByteArray>
#include <QDialog>
#include <QList>
#include <QStringList>
#include <QUrl>

class QLabel;
class QLineEdit;
class QPushButton;

namespace accel::ui {

/// Asks for an existing redundant setup: etcd client URLs, coordinator URLs and the coordinators'
/// token. Validates as the operator types (OK stays disabled with the reason shown). Non-modal use:
/// open() and read the values on accepted().
class HaConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit HaConnectDialog(QWidget *parent = nullptr);

    void setValues(const QStringList &etcdEndpoints, const QList<QUrl> &coordinators,
                   const QByteArray &token);
    QStringList etcdEndpoints() const;
    QList<QUrl> coordinatorUrls() const;
    QByteArray token() const;
    /// The coordinators' --etcd-prefix (default /accel): where their election key lives.
    QByteArray prefix() const;
    void setPrefix(const QByteArray &prefix);
    /// Empty when the input is usable, else why not (translated).
    QString problem() const;

    QLineEdit *etcdEdit() const { return m_etcd; }
    QLineEdit *coordinatorsEdit() const { return m_coordinators; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *prefixEdit() const { return m_prefix; }
    QPushButton *okButton() const { return m_ok; }

private:
    void validate();

    QLineEdit *m_etcd;
    QLineEdit *m_coordinators;
    QLineEdit *m_token;
    QLineEdit *m_prefix;
    QLabel *m_problem;
    QPushButton *m_ok = nullptr;
};

} // namespace accel::ui
