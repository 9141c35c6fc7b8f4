#pragma once

#include <QByteArray>
#include <QDialog>
#include <QUrl>

class QLabel;
class QLineEdit;

namespace accel::ui {

/// Asks for a remote coordinator's URL and token. The token is typed (never shown in clear) or
/// read from a token file; the dialog only closes with an http(s) URL and a non-empty token.
class ConnectDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectDialog(const QUrl &initialUrl, QWidget *parent = nullptr);

    QUrl url() const;
    QByteArray token() const;
    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *tokenEdit() const { return m_token; }
    QString errorText() const;
    /// Reads a token file into the (hidden) token field; false with a message when it cannot.
    bool loadTokenFile(const QString &path);

public Q_SLOTS:
    void accept() override;

private:
    QLineEdit *m_url;
    QLineEdit *m_token;
    QLabel *m_error;
};

} // namespace accel::ui
