#pragma once

#include <QString>

#include <optional>
#include <utility>

namespace accel {

/// A value, or a human-readable error explaining why there is none. Used where bad input (config
/// files, observations from hosts) must produce a clear message instead of a crash.
template<typename T> class ValueOrError
{
public:
    ValueOrError(T value)
        : m_value(std::move(value))
    {}
    static ValueOrError failure(QString error)
    {
        ValueOrError r;
        r.m_error = error.isEmpty() ? QStringLiteral("unspecified error") : std::move(error);
        return r;
    }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }
    /// Precondition: ok().
    const T &value() const { return *m_value; }
    T &value() { return *m_value; }
    const T *operator->() const { return &*m_value; }
    /// Empty when ok().
    const QString &error() const { return m_error; }

private:
    ValueOrError() = default;
    std::optional<T> m_value;
    QString m_error;
};

} // namespace accel
