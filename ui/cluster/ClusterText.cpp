#include "cluster/ClusterText.h"

namespace accel::ui {

QString ClusterText::state(ClusterConnection::State state)
{
    using S = ClusterConnection::State;
    switch (state) {
    case S::Disconnected:
        return tr("disconnected");
    case S::Connecting:
        return tr("connecting");
    case S::Connected:
        return tr("connected");
    case S::Reconnecting:
        return tr("reconnecting");
    }
    return {};
}

QString ClusterText::error(ClusterConnection::Error error, const QString &detail)
{
    using E = ClusterConnection::Error;
    QString text;
    switch (error) {
    case E::None:
        return {};
    case E::InvalidUrl:
        text = tr("The coordinator address is not a valid http(s) URL.");
        break;
    case E::Unauthorized:
        text = tr("The coordinator refused the access token (wrong or missing token).");
        break;
    case E::Unreachable:
        text = tr("The coordinator cannot be reached.");
        break;
    case E::Timeout:
        text = tr("The coordinator did not answer in time.");
        break;
    case E::BadReply:
        text = tr("The coordinator sent an answer that could not be understood.");
        break;
    case E::Rejected:
        text = tr("The coordinator rejected the request.");
        break;
    }
    if (!detail.isEmpty()) {
        text += QLatin1Char(' ') + tr("(%1)").arg(detail.left(500));
    }
    return text;
}

QString ClusterText::operation(ClusterConnection::Operation operation)
{
    using O = ClusterConnection::Operation;
    switch (operation) {
    case O::SubmitSuite:
        return tr("submit suite");
    case O::CancelSuite:
        return tr("cancel suite");
    case O::DrainWorker:
        return tr("drain");
    case O::UndrainWorker:
        return tr("undrain");
    case O::QuarantineWorker:
        return tr("quarantine");
    case O::UnquarantineWorker:
        return tr("unquarantine");
    case O::TaskLog:
        return tr("fetch log");
    case O::TaskDetail:
        return tr("fetch task");
    }
    return {};
}

} // namespace accel::ui
