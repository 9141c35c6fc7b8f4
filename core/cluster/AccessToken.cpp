#include "cluster/AccessToken.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>

namespace accel {

QByteArray AccessToken::read(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read token file %1: %2").arg(path, f.errorString());
        return {};
    }
    const QByteArray token = f.read(4096).trimmed();
    if (token.size() < 16) {
        *error = QStringLiteral("token file %1 holds no usable token (at least 16 characters)").arg(path);
        return {};
    }
    return token;
}

QByteArray AccessToken::loadOrCreate(const QString &path, QString *error)
{
    if (QFileInfo::exists(path)) {
        return read(path, error);
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    quint32 words[8];
    QRandomGenerator::system()->fillRange(words);
    const QByteArray token = QByteArray(reinterpret_cast<const char *>(words), sizeof(words)).toHex();
    QFile f(path);
    // Create with owner-only permissions before any byte of the secret is written.
    if (!f.open(QIODevice::WriteOnly | QIODevice::NewOnly,
                QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        *error = QStringLiteral("cannot create token file %1: %2").arg(path, f.errorString());
        return {};
    }
    if (f.write(token + '\n') != token.size() + 1 || !f.flush()) {
        *error = QStringLiteral("cannot write token file %1: %2").arg(path, f.errorString());
        return {};
    }
    return token;
}

bool AccessToken::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size() || a.isEmpty()) {
        return false;
    }
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i) {
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    }
    return diff == 0;
}

QByteArray AccessToken::fromHeaders(const QByteArray &authorization, const QByteArray &xToken)
{
    const QByteArray auth = authorization.trimmed();
    if (auth.size() > 7 && auth.left(7).toLower() == "bearer ") {
        return auth.mid(7).trimmed();
    }
    return xToken.trimmed();
}

} // namespace accel
