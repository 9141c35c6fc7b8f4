#include "pool/HostInstance.h"

namespace accel {

HostInstance::~HostInstance() = default;

} // namespace accel
