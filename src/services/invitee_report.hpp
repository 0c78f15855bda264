#pragma once
// The invitee report (SPEC §3.7): one CSV row per invitee of an event,
// `email,name,status,origin,client,invited_at,responded_at`, RFC 4180 with formula cells
// neutralised (csv/writer) and times in RFC 3339 UTC. Downloaded by GET
// /event/{id}/report.csv, or mailed to the organizer (POST /event/{id}/report) as a
// text/csv attachment when it is small enough for mail; above that, the mail says how
// to download it instead.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/event.hpp"
#include "services/intake.hpp"
#include "store/store.hpp"

namespace cis::services {

// Rows read from the store per step.
constexpr std::size_t kReportPage = 5000;
// The largest CSV sent as an attachment: 5 MiB, 6.8 MB once base64-encoded, under the
// 10 MB that common mailbox providers and relays accept by default.
constexpr std::size_t kMaxReportAttachment = 5 * 1024 * 1024;

struct ReportCsv {
    std::string csv;
    std::int64_t rows = 0;
    bool too_large = false;  // over max_bytes: reading stopped there, the CSV is partial
};

// Reads the event's invitees page by page (in address order) into CSV, the header first,
// stopping once the CSV exceeds `max_bytes` (0 = no limit).
ReportCsv build_report_csv(store::Tx& tx, const std::string& event_id, std::size_t max_bytes = 0);

// The email to the organizer: the report attached, or, when it is too large for mail,
// how to download it instead.
std::string build_report_email(const Event& event, const store::Organizer& organizer,
                               const ReportCsv& report, const IntakePolicy& policy,
                               std::int64_t now);

// The attachment's (and the download's) file name.
std::string report_file_name(const Event& event);

}  // namespace cis::services
