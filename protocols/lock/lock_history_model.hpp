#pragma once
// The sequential specification of one lock for the linearizability checker:
// acquire, release and renew as the clients saw them. Lease expiry is an
// event no client observes: with leases, a holder that stands in the way
// of a grant may have expired just before it. An acquire never answered may
// have been granted all the same; the client then learns its token only if
// it asks for the lock again, as a repeat is answered with the holding's
// token.

#include "sim/linearizability.hpp"

namespace protocols::lock {

// `leases`: whether holders may expire unobserved.
const sim::linearizability::model& lock_model(bool leases);

}  // namespace protocols::lock
