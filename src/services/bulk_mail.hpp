#pragma once
// A list of invitees mailed to bulk@ (SPEC §3.6) by an organizer the intake has already
// authenticated (the same trust rules as create@): the first CSV attachment becomes a
// bulk job (services/bulk_jobs) for the event named by an id in the Subject or, failing
// that, by the `event` column of the first row.
#include <cstdint>
#include <string>

#include "services/intake.hpp"

namespace cis::services {

struct BulkMailOutcome {
    std::int64_t job_id = 0;  // 0: refused, `reason` says why
    std::string event_id;
    std::string reason;
};

BulkMailOutcome accept_bulk_mail(store::Tx& tx, const Prepared& p, const std::string& organizer,
                                 std::int64_t inbound_id, std::int64_t now);

}  // namespace cis::services
