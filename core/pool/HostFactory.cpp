#include "pool/HostFactory.h"

namespace accel {

HostFactory::~HostFactory() = default;

} // namespace accel
