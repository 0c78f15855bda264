#pragma once
// Applies the VEVENTs one organizer sent, UID by UID, inside the caller's transaction:
// the decisions of SPEC §3.1 (create, update, cancel, unchanged, stale, rejected) and the
// versions they record. Shared by create@ (one message, services/intake_apply.cpp) and the
// batch import (services/event_import.cpp), so a season of games imported in one go obeys
// exactly the rules of an invitation mailed alone.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "itip/intake_rules.hpp"
#include "services/intake.hpp"
#include "services/intake_report.hpp"

namespace cis::services {

class EventBatch {
  public:
    // `inbound_id`: the message the versions come from (none for an API import).
    EventBatch(store::Tx& tx, const store::Organizer& organizer, const IntakePolicy& policy,
               std::optional<std::int64_t> inbound_id, std::int64_t now);

    // Every UID group of the calendar, under the calendar's effective method.
    void apply(itip::Method method, const IncomingCalendar& cal);
    // An entry that never became a VEVENT (e.g. a CSV row that could not be read).
    void reject(std::string uid, std::string summary, std::string reason);

    IntakeReport& report() { return report_; }

  private:
    void apply_group(itip::Method method, const itip::UidGroup& g);
    void decide_and_store(itip::Method method, const itip::UidGroup& g,
                          const std::optional<Event>& stored);
    itip::Context context();

    store::Tx& tx_;
    const store::Organizer& organizer_;
    const IntakePolicy& policy_;
    const std::optional<std::int64_t> inbound_id_;
    const std::int64_t now_;
    IntakeReport report_;
    std::set<std::string> seen_;  // (UID, RECURRENCE-ID) already decided in this batch
    // Upcoming events of the organizer, counted once and then kept up to date, so a batch
    // of thousands does not count them again for every event.
    std::optional<std::int64_t> upcoming_;
};

}  // namespace cis::services
