// libFuzzer target: ClusterProtocol::decode and SuiteSpec::parse on arbitrary bytes. A decoded
// message must re-encode and decode again to the same frame.
#include "cluster/ClusterProtocol.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    accel::ClusterMessage m;
    QString error;
    if (accel::ClusterProtocol::decode(bytes, &m, &error)) {
        const QByteArray again = accel::ClusterProtocol::encode(m);
        accel::ClusterMessage back;
        if (!accel::ClusterProtocol::decode(again, &back, &error) ||
            accel::ClusterProtocol::encode(back) != again) {
            std::abort();
        }
    }
    accel::SuiteSpec suite;
    accel::SuiteSpec::parse(bytes, &suite, &error);
    return 0;
}
