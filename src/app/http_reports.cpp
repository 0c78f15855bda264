// The invitee report (SPEC §3.7, §4 #8): GET /event/{id}/report.csv downloads it (unmasked:
// it is the organizer's own data, for keys covering the event), POST /event/{id}/report
// mails it to the organizer through the outbox (202 with what was queued).
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "app/display_support.hpp"
#include "app/intake_pipeline.hpp"
#include "services/invitee_report.hpp"
#include "services/organizer_mail.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

services::IntakePolicy policy_of(const ApiContext& ctx) {
    if (ctx.intake) return ctx.intake->policy();
    services::IntakePolicy p;  // a server without create@ processing still mails reports
    p.domain = ctx.domain;
    p.mailboxes.bounce = ctx.bounce_local;
    return p;
}

void download_report(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    services::ReportCsv report;
    // The event and every page of its rows from one snapshot: rows stay consistent.
    auto event = read_event_for(ctx, *key, p.at("id"), respond, [&](store::Tx& tx, const Event& e) {
        report = services::build_report_csv(tx, e.id);
    });
    if (!event) return;
    http::Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(report.csv);
    r.headers.emplace_back("Content-Disposition", fmt::format("attachment; filename=\"{}\"",
                                                              services::report_file_name(*event)));
    r.headers.emplace_back("Cache-Control", "no-store");
    respond(std::move(r));
}

void mail_report(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    store::Organizer organizer;
    services::ReportCsv report;
    // Read in one snapshot before the write job, so that the group committer only queues
    // the message.
    auto event = read_event_for(ctx, *key, p.at("id"), respond, [&](store::Tx& tx, const Event& e) {
        organizer.email = e.organizer;
        if (auto o = tx.find_organizer(e.organizer)) organizer = *o;
        report = services::build_report_csv(tx, e.id, services::kMaxReportAttachment);
    });
    if (!event) return;
    const auto policy = policy_of(ctx);
    const std::int64_t now = std::time(nullptr);
    services::OrganizerMail m{"report", event->id, policy.mailboxes.bounce + "@" + policy.domain,
                              organizer.email,
                              services::build_report_email(*event, organizer, report, policy, now)};
    const bool attached = !report.too_large;
    nlohmann::json answer{
        {"queued", true},
        {"to", organizer.email},
        {"attached", attached},
        {"rows", attached ? nlohmann::json(report.rows) : nlohmann::json()},
        {"bytes", attached ? nlohmann::json(report.csv.size()) : nlohmann::json()},
        {"download", fmt::format("{}/event/{}/report.csv", policy.public_url, event->id)}};
    commit_then_respond(
        ctx,
        [m = std::move(m), answer = std::move(answer), now](store::Tx& tx) mutable {
            answer["outbox_id"] = services::queue_organizer_mail(tx, std::move(m), now);
            return json_response(202, answer);
        },
        [respond, &ctx](http::Response r) {
            if (r.status == 202) ctx.work_queued();
            respond(std::move(r));
        });
}

}  // namespace

void add_report_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/event/{id}/report.csv", api::bind(ctx, download_report));
    router.add("POST", "/event/{id}/report", api::bind(ctx, mail_report));
}

}  // namespace cis::app
