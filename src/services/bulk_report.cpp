// The one result email of a bulk job: counts, the reasons rows were skipped, the first
// few skipped rows in the text and, when there are more, all of them as skipped.csv.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "csv/writer.hpp"
#include "mail/outgoing_message.hpp"
#include "services/bulk_jobs.hpp"

namespace cis::services {

namespace {

std::string reason_text(const std::string& code) {
    if (code == "malformed") return "unreadable row (CSV quoting)";
    if (code == "missing_email") return "no email in the row";
    if (code == "invalid_email") return "invalid address";
    if (code == "duplicate") return "repeated in the list";
    if (code == "suppressed") return "address suppressed (bounced, complained or unsubscribed)";
    if (code == "other_event") return "row names another event";
    return code;
}

std::string skipped_csv(store::Tx& tx, std::int64_t job_id) {
    std::string out;
    csv::append_row(out, {"line", "email", "reason", "detail"});
    std::int64_t after = 0;
    for (;;) {
        const auto page = tx.list_bulk_skips(job_id, after, 5000);
        for (const auto& k : page)
            csv::append_row(out, {std::to_string(k.line), k.email, k.reason, k.detail});
        if (page.size() < 5000) return out;
        after = page.back().line;
    }
}

}  // namespace

std::string build_bulk_result(store::Tx& tx, const store::BulkJob& job, const Event* event,
                              const BulkSettings& s, std::int64_t now) {
    const std::string what = event ? fmt::format("\"{}\"", event->fields.summary) : job.event_id;
    std::string body = fmt::format(
        "Hello,\n\nCIS processed your list of invitees for {} (job {}).\n\n", what, job.id);
    if (job.state == "failed") body += fmt::format("The job did not finish: {}.\n\n", job.error);
    body += fmt::format("Rows read:        {}\n", job.total);
    body += fmt::format("Invited:          {}\n", job.accepted);
    body += fmt::format("Already invited:  {}\n", job.already_invited);
    body += fmt::format("Skipped:          {}\n", job.skipped);
    const auto reasons = nlohmann::json::parse(job.skip_reasons, nullptr, false);
    if (reasons.is_object())
        for (const auto& [code, n] : reasons.items())
            body +=
                fmt::format("  {:<14} {:>8}  {}\n", code, n.get<std::int64_t>(), reason_text(code));
    const auto first = tx.list_bulk_skips(job.id, 0, s.listed_skips);
    if (!first.empty()) {
        body += "\nSkipped rows";
        body += job.skipped > static_cast<std::int64_t>(first.size())
                    ? fmt::format(" (the first {}; all {} are in the attached skipped.csv):\n",
                                  first.size(), job.skipped)
                    : ":\n";
        for (const auto& k : first)
            body += fmt::format("  line {}: {} — {}{}\n", k.line,
                                k.email.empty() ? "(no email)" : k.email, k.reason,
                                k.detail.empty() ? "" : " (" + k.detail + ")");
    }
    body += fmt::format("\nProgress and skipped rows: {}/jobs/{}\n", s.public_url, job.id);
    body += fmt::format("\n-- \nCIS, the calendar invite server at {}\n", s.invite.domain);

    mail::TextMessage m;
    m.from_name = "CIS";
    m.from_address = s.notification_local + "@" + s.invite.domain;
    m.to_address = job.notify;
    m.subject = job.state == "failed"
                    ? fmt::format("[CIS] Bulk invitations for {} stopped", what)
                    : fmt::format("[CIS] Bulk invitations for {}: {} invited, {} skipped", what,
                                  job.accepted, job.skipped);
    m.text = body;
    m.message_id_domain = s.invite.domain;
    m.date = now;
    if (job.skipped > static_cast<std::int64_t>(first.size())) {
        m.attachment_name = "skipped.csv";
        m.attachment_type = "text/csv";
        m.attachment = skipped_csv(tx, job.id);
    }
    return mail::build_text_message(m);
}

}  // namespace cis::services
