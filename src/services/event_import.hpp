#pragma once
// Batch event import (SPEC §3.6): a multi-VEVENT .ics or a CSV of events (a season of
// 2 500 games), mailed to create@ or posted to POST /events/import. Reading the file is
// state-free and runs before the transaction; applying it uses the same per-UID rules
// as an invitation mailed alone (services/event_batch), in one transaction, and queues
// ONE summary notification to the organizer, not one per event.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/event.hpp"
#include "services/import_file.hpp"
#include "services/intake.hpp"
#include "services/intake_report.hpp"

namespace cis::services {

class EventBatch;

// Applies one file's events (and refuses its unreadable entries) in `batch`.
void apply_file(EventBatch& batch, const ImportFile& file);

// Applies every file for `organizer` in the caller's transaction, then queues one
// notification to the organizer (subject and In-Reply-To from `note`). The report comes
// back summarised (status, reason, per-event outcomes).
struct ImportNote {
    std::string subject;     // of the organizer's message, or a description of the request
    std::string message_id;  // of the organizer's message, "" for the API
};
IntakeReport apply_import(store::Tx& tx, const std::vector<ImportFile>& files,
                          const store::Organizer& organizer, const IntakePolicy& policy,
                          std::optional<std::int64_t> inbound_id, const ImportNote& note,
                          std::int64_t now);

// The organizer's notification for a report, queued in the outbox (also used by create@).
void queue_notification(store::Tx& tx, const IntakeReport& report,
                        const store::Organizer& organizer, const std::string& fallback_name,
                        const IntakePolicy& policy, const ImportNote& note, std::int64_t now);

}  // namespace cis::services
