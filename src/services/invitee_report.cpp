#include "services/invitee_report.hpp"

#include <fmt/format.h>

#include "core/time.hpp"
#include "csv/writer.hpp"
#include "mail/outgoing_message.hpp"

namespace cis::services {

ReportCsv build_report_csv(store::Tx& tx, const std::string& event_id, std::size_t max_bytes) {
    ReportCsv r;
    csv::append_row(r.csv,
                    {"email", "name", "status", "origin", "client", "invited_at", "responded_at"});
    // The attendee listing's pages: by address along the (event_id, email) index, so a
    // million invitees are read in bounded steps without a sort.
    store::AttendeeFilter page_of{event_id, "", "", 0, kReportPage};
    for (;;) {
        const auto page = tx.list_attendees(page_of);
        for (const auto& i : page) {
            const std::string invited = rfc3339_utc(i.invited_at);
            const std::string responded = i.responded_at ? rfc3339_utc(*i.responded_at) : "";
            csv::append_row(r.csv,
                            {i.email, i.name, i.status, i.origin, i.client, invited, responded});
            ++r.rows;
        }
        if (max_bytes && r.csv.size() > max_bytes) {
            r.too_large = true;  // reading the rest would only be thrown away
            return r;
        }
        if (page.size() < kReportPage) return r;
        page_of.after = page.back().id;
    }
}

std::string report_file_name(const Event& event) {
    return fmt::format("invitees-{}.csv", event.id);
}

std::string build_report_email(const Event& event, const store::Organizer& organizer,
                               const ReportCsv& report, const IntakePolicy& policy,
                               std::int64_t now) {
    const std::string title = event.fields.summary.empty() ? event.id : event.fields.summary;
    const std::string download = fmt::format("{}/event/{}/report.csv", policy.public_url, event.id);
    std::string body =
        fmt::format("Hello{},\n\n", organizer.name.empty() ? "" : " " + organizer.name);
    mail::TextMessage m;
    if (!report.too_large) {
        body += fmt::format(
            "Attached is the invitee report of \"{}\" ({} invitee(s)): one row per invitee "
            "with their answer, where the invitation came from, the calendar client that "
            "answered, and when (UTC).\n\nThe same report, always current: {} (with an API "
            "key in X-API-Key).\n",
            title, report.rows, download);
        m.attachment_name = report_file_name(event);
        m.attachment_type = "text/csv";
        m.attachment = report.csv;
    } else {
        body += fmt::format(
            "The invitee report of \"{}\" is larger than {} MiB, too large to send by mail. "
            "Download it with an API key:\n\n  curl -H 'X-API-Key: <your key>' -o {} {}\n",
            title, kMaxReportAttachment / (1024 * 1024), report_file_name(event), download);
    }
    body += fmt::format("\n-- \nCIS, the calendar invite server at {}\n", policy.domain);
    m.from_name = "CIS";
    m.from_address = policy.notification_local + "@" + policy.domain;
    m.to_name = organizer.name;
    m.to_address = organizer.email;
    m.subject = fmt::format("[CIS] Invitee report: {}", title);
    m.text = body;
    m.message_id_domain = policy.domain;
    m.date = now;
    return mail::build_text_message(m);
}

}  // namespace cis::services
