#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace accel {

/// What went wrong with an etcd call. No valid zero value: a default EtcdError is "Unknown".
enum class EtcdErrorCode {
    Unknown = 1,
    Timeout,          ///< no answer within the call's deadline (every endpoint tried)
    Unreachable,      ///< connection refused / reset on every endpoint
    NoQuorum,         ///< etcd answered "no leader" / "request timed out": quorum lost or electing
    NotFound,         ///< e.g. "requested lease not found"
    Compacted,        ///< watch start revision already compacted
    InvalidArgument,  ///< etcd rejected the request (gRPC InvalidArgument / FailedPrecondition)
    PermissionDenied, ///< auth enabled and we are not allowed
    Protocol,         ///< the answer was not the JSON we expect (codec error)
    Http,             ///< another HTTP status without a usable etcd error body
    Canceled,         ///< the call or stream was canceled by us (client shut down)
    NoEndpoints,      ///< the client has no endpoints configured
};

/// An error from the etcd client or codec: a category plus the server's or transport's text.
struct EtcdError
{
    EtcdErrorCode code = EtcdErrorCode::Unknown;
    QString message;
    int grpcCode = -1;  ///< gRPC status code from etcd's error body, -1 when none
    int httpStatus = 0; ///< HTTP status, 0 when no HTTP answer arrived
    QString endpoint;   ///< endpoint that produced the error, empty when not tied to one

    /// "NoQuorum: etcdserver: no leader (http://127.0.0.1:40001, HTTP 503)" — for logs and CLIs.
    QString toString() const;
    static QString codeName(EtcdErrorCode code);
};

/// A value or an EtcdError. Small on purpose; callers check ok() before value().
template<typename T> class EtcdResult
{
public:
    EtcdResult(T value)
        : m_value(std::move(value))
    {}
    EtcdResult(EtcdError error)
        : m_error(std::move(error))
    {}
    bool ok() const { return m_value.has_value(); }
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const EtcdError &error() const { return m_error; }

private:
    std::optional<T> m_value;
    EtcdError m_error;
};

} // namespace accel
