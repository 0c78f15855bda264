#include "services/bulk_mail.hpp"

#include <fmt/format.h>

#include "services/bulk_jobs.hpp"
#include "services/bulk_rows.hpp"

namespace cis::services {

namespace {

// The organizer's event whose id appears as a word of the subject, if any.
std::optional<Event> event_in_subject(store::Tx& tx, const std::string& subject,
                                      const std::string& organizer) {
    std::string word;
    for (std::size_t i = 0; i <= subject.size(); ++i) {
        const char c = i < subject.size() ? subject[i] : ' ';
        if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
            word += c;
            continue;
        }
        if (word.size() >= 8 && word.size() <= 64)
            if (auto e = tx.find_event_by_id(word); e && e->organizer == organizer) return e;
        word.clear();
    }
    return std::nullopt;
}

// The `event` cell of the first readable row.
std::string event_in_first_row(std::string_view csv) {
    std::string id;
    bool first = true;
    for_each_bulk_row("csv", csv, [&](BulkRow&& row) {
        if (first && row.error_code.empty()) id = row.event;
        first = first && !row.error_code.empty();
    });
    return id;
}

BulkMailOutcome refuse(std::string reason) {
    BulkMailOutcome o;
    o.reason = std::move(reason);
    return o;
}

}  // namespace

BulkMailOutcome accept_bulk_mail(store::Tx& tx, const Prepared& p, const std::string& organizer,
                                 std::int64_t inbound_id, std::int64_t now) {
    if (p.mail.tables.empty())
        return refuse(fmt::format(
            "no CSV attachment was found{}; attach the list as a .csv file (text/csv, "
            "application/vnd.ms-excel or text/plain) with a header row naming an email column",
            p.mail.attachments.empty()
                ? ""
                : fmt::format(" (the attachments: {})", fmt::join(p.mail.attachments, ", "))));
    const auto& list = p.mail.tables.front();
    const std::string what = list.filename.empty() ? "the CSV attachment" : list.filename;
    if (list.text.size() > kMaxBulkList)
        return refuse(fmt::format("{} exceeds {} bytes; split it", what, kMaxBulkList));
    if (auto problem = check_bulk_list("csv", list.text))
        return refuse(fmt::format("{} cannot be used: {}", what, *problem));
    auto event = event_in_subject(tx, p.mail.subject, organizer);
    if (!event) {
        const std::string id = event_in_first_row(list.text);
        if (id.empty())
            return refuse(
                "no event was named: put the event id in the Subject, or add an \"event\" "
                "column to the list");
        event = tx.find_event_by_id(id);
        if (!event || event->organizer != organizer)
            return refuse(fmt::format("{} names event {}, which is not an event of {}", what,
                                      id.substr(0, 64), organizer));
    }
    if (auto why = event_refuses_bulk(*event, now))
        return refuse(fmt::format("event {}: {}", event->id, *why));

    store::BulkJob job;
    job.organizer = organizer;
    job.event_id = event->id;
    job.source = "mail";
    job.inbound_id = inbound_id;
    job.notify = organizer;
    job.format = "csv";
    job.created_at = now;
    BulkMailOutcome o;
    o.job_id = tx.insert_bulk_job(job, list.text);
    o.event_id = event->id;
    o.reason =
        fmt::format("bulk job {} for event {}: the result comes by email", o.job_id, event->id);
    return o;
}

}  // namespace cis::services
