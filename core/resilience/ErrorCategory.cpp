#include "resilience/ErrorCategory.h"

namespace accel {

namespace {

struct CategoryName
{
    ErrorCategory category;
    const char *name;
};

constexpr CategoryName kCategoryNames[] = {
    {ErrorCategory::ConnectionLost, "connectionLost"},
    {ErrorCategory::Timeout, "timeout"},
    {ErrorCategory::BrowserCrashed, "browserCrashed"},
    {ErrorCategory::GpuDeviceLost, "gpuDeviceLost"},
    {ErrorCategory::OutOfMemory, "outOfMemory"},
    {ErrorCategory::ShaderCompile, "shaderCompile"},
    {ErrorCategory::Protocol, "protocol"},
    {ErrorCategory::Model, "model"},
    {ErrorCategory::Cancelled, "cancelled"},
};
static_assert(std::size(kCategoryNames) == kErrorCategoryCount);

} // namespace

ErrorOrigin originOf(ErrorCategory category)
{
    return category == ErrorCategory::Model ? ErrorOrigin::Model : ErrorOrigin::Local;
}

QString toString(ErrorCategory category)
{
    for (const CategoryName &n : kCategoryNames) {
        if (n.category == category) {
            return QString::fromLatin1(n.name);
        }
    }
    return QStringLiteral("unknown(%1)").arg(int(category));
}

std::optional<ErrorCategory> errorCategoryFromString(QStringView name)
{
    for (const CategoryName &n : kCategoryNames) {
        if (name == QLatin1String(n.name)) {
            return n.category;
        }
    }
    return std::nullopt;
}

QList<ErrorCategory> allErrorCategories()
{
    QList<ErrorCategory> all;
    for (const CategoryName &n : kCategoryNames) {
        all.append(n.category);
    }
    return all;
}

QString toString(ErrorOrigin origin)
{
    switch (origin) {
    case ErrorOrigin::Local:
        return QStringLiteral("local");
    case ErrorOrigin::Model:
        return QStringLiteral("model");
    }
    return QStringLiteral("unknown(%1)").arg(int(origin));
}

std::optional<ErrorOrigin> errorOriginFromString(QStringView name)
{
    if (name == QLatin1String("local")) {
        return ErrorOrigin::Local;
    }
    if (name == QLatin1String("model")) {
        return ErrorOrigin::Model;
    }
    return std::nullopt;
}

QList<ErrorCategory> ErrorCategorySet::toList() const
{
    QList<ErrorCategory> list;
    for (ErrorCategory c : allErrorCategories()) {
        if (contains(c)) {
            list.append(c);
        }
    }
    return list;
}

QStringList ErrorCategorySet::toStringList() const
{
    QStringList list;
    for (ErrorCategory c : toList()) {
        list.append(toString(c));
    }
    return list;
}

ErrorCategorySet ErrorCategorySet::defaultCounted()
{
    ErrorCategorySet set;
    for (ErrorCategory c : allErrorCategories()) {
        if (originOf(c) == ErrorOrigin::Local && c != ErrorCategory::Cancelled) {
            set.insert(c);
        }
    }
    return set;
}

} // namespace accel
