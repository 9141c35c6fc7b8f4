#pragma once

#include <QString>

namespace accel {

class CircuitBreaker;

/// Consulted by a CircuitBreaker before it trips from Closed to Open (FleetGuard implements it).
/// Called on the breaker's owner thread, from inside recordFailure()/recordSuccess(): it must
/// not call back into that breaker's mutating methods.
class TripGate
{
public:
    virtual ~TripGate();
    /// True to let `breaker` open. When false, `whyNot` explains (goes into the event).
    virtual bool mayOpen(const CircuitBreaker &breaker, QString *whyNot) = 0;
    /// The breaker is being destroyed: forget it.
    virtual void breakerDestroyed(CircuitBreaker *breaker) = 0;
};

} // namespace accel
