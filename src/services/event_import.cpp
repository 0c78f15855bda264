#include "services/event_import.hpp"

#include <fmt/format.h>

#include "ical/parse_calendar.hpp"
#include "itip/method.hpp"
#include "services/event_batch.hpp"
#include "services/organizer_mail.hpp"

namespace cis::services {

ImportFile read_ics_import(std::string_view text, std::string where) {
    ImportFile f;
    f.where = std::move(where);
    ical::ParsedCalendar cal = ical::parse_calendar(text);
    f.calendar = std::move(cal.calendar);
    f.method = f.calendar.method;
    f.warnings = std::move(cal.warnings);
    if (!cal.error.empty())
        f.error = fmt::format("{}: {}", f.where, cal.error);
    else if (f.calendar.events.empty())
        f.error = fmt::format("{} contains no usable VEVENT", f.where);
    else if (f.calendar.events.size() > kMaxImportEvents)
        f.error = fmt::format("{} holds {} VEVENTs; one import takes at most {}: split the file",
                              f.where, f.calendar.events.size(), kMaxImportEvents);
    if (!f.error.empty()) f.calendar.events.clear();
    return f;
}

void apply_file(EventBatch& batch, const ImportFile& f) {
    auto& warnings = batch.report().warnings;
    warnings.insert(warnings.end(), f.warnings.begin(), f.warnings.end());
    if (!f.error.empty()) warnings.push_back(f.error);
    for (const auto& p : f.problems) batch.reject(p.key, p.summary, p.reason);
    batch.apply(itip::effective_method(f.method, ""), f.calendar);
}

void queue_notification(store::Tx& tx, const IntakeReport& report,
                        const store::Organizer& organizer, const std::string& fallback_name,
                        const IntakePolicy& policy, const ImportNote& note, std::int64_t now) {
    const NotificationContext ctx{organizer.name.empty() ? fallback_name : organizer.name,
                                  organizer.email,
                                  note.subject,
                                  note.message_id,
                                  policy.domain,
                                  policy.public_url,
                                  policy.notification_local,
                                  now};
    queue_organizer_mail(tx,
                         {"notification", "", policy.mailboxes.bounce + "@" + policy.domain,
                          organizer.email, build_notification(report, ctx)},
                         now);
}

IntakeReport apply_import(store::Tx& tx, const std::vector<ImportFile>& files,
                          const store::Organizer& organizer, const IntakePolicy& policy,
                          std::optional<std::int64_t> inbound_id, const ImportNote& note,
                          std::int64_t now) {
    EventBatch batch(tx, organizer, policy, inbound_id, now);
    for (const auto& f : files) apply_file(batch, f);
    IntakeReport report = std::move(batch.report());
    if (report.events.empty()) {
        report.status = "rejected";
        report.reason = files.empty() || files.front().error.empty()
                            ? "the import contains no events"
                            : files.front().error;
    }
    report.summarise();
    queue_notification(tx, report, organizer, "", policy, note, now);
    return report;
}

}  // namespace cis::services
