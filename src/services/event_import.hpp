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
#include "services/intake.hpp"
#include "services/intake_report.hpp"

namespace cis::services {

// More events than this in one import are refused as a whole: one import is one write
// transaction, and a file this large is more likely a mistake than a season.
constexpr std::size_t kMaxImportEvents = 20000;

// An entry of the file that never became an event (a CSV row that cannot be read).
struct ImportProblem {
    std::string key;  // the row's uid, or "row 7" when it has none
    std::string summary;
    std::string reason;
};

// One file, read.
struct ImportFile {
    std::string where;   // for explanations: "attachment season.csv", "the request body"
    std::string method;  // the calendar's METHOD ("" for CSV and for none)
    IncomingCalendar calendar;
    std::vector<ImportProblem> problems;
    std::vector<std::string> warnings;
    std::string error;  // non-empty when nothing in the file could be used
};

ImportFile read_ics_import(std::string_view text, std::string where);
// CSV with a header row: summary, start, end, timezone, location, description, uid
// (any order, any letter case; summary and start required). `now` is the version stamp
// of the rows, so a re-import with changed rows is an update (services/event_csv.cpp).
ImportFile read_csv_import(std::string_view text, std::string where, std::int64_t now);

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
