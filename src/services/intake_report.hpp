#pragma once
// What happened to each event of one inbound message — the material for the inbound
// log's details and for the organizer's notification.
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"
#include "itip/intake_rules.hpp"
#include "store/records.hpp"

namespace cis::services {

struct EventOutcome {
    std::string uid, recurrence_id;
    itip::Outcome outcome = itip::Outcome::Rejected;
    std::string reason;
    std::string event_id;  // empty when nothing was stored
    std::string summary;
    CalTime start;
    std::string timezone;
    std::int64_t recipients = 0;  // messages the change queued (Yes/Maybe, or all for a cancel)
    bool awaiting_approval = false;
    std::int64_t change_id = 0;  // the version's id, to approve or reject it
};

struct IntakeReport {
    std::string status;  // one outcome for all events, or "mixed"
    std::string reason;
    std::vector<EventOutcome> events;
    std::vector<std::string> warnings;
    std::vector<std::string> event_ids() const;
    std::string details_json(const std::string& method) const;
    void summarise();  // fills status and reason from events
};

struct NotificationContext {
    std::string organizer_name, organizer_email;
    std::string subject;  // of the organizer's message
    std::string message_id;
    std::string domain, public_url, from_local;
    std::int64_t now = 0;
};

// The notification for a processed message (or a message refused as a whole, when
// `report.events` is empty and `report.reason` says why).
std::string build_notification(const IntakeReport& report, const NotificationContext& ctx);

}  // namespace cis::services
