// POST /events/import: the batch event import of SPEC §3.6 through the API. The body is
// a multi-VEVENT .ics (text/calendar) or a CSV of events (text/csv); the events are the
// key's organizer's, or those of `?organizer=` for an admin or domain key covering it.
// The answer carries every event's outcome; the organizer also gets one summary email.
#include <fmt/format.h>

#include <ctime>
#include <map>

#include "app/api_support.hpp"
#include "app/intake_pipeline.hpp"
#include "core/address.hpp"
#include "core/text.hpp"
#include "core/time.hpp"
#include "services/event_import.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

std::optional<bool> is_csv_type(const std::string& type) {
    if (type == "text/calendar" || type == "application/ics") return false;
    if (type == "text/csv" || type == "application/csv" || type == "application/vnd.ms-excel")
        return true;
    return std::nullopt;
}

// Whose events these are: the organizer key's own, or ?organizer= for keys covering it.
std::optional<std::string> import_organizer(const store::ApiKey& key, const Request& req,
                                            const Respond& respond) {
    std::string email = normalize_address(query(req, "organizer"));
    if (email.empty()) {
        if (key.role == "organizer") return key.organizer;
        respond(json_error(400, "missing_organizer",
                           "an admin or domain key must name whose events these are: "
                           "?organizer=<email>"));
        return std::nullopt;
    }
    if (!covers(key, email, respond)) return std::nullopt;
    return email;
}

nlohmann::json report_json(const std::string& organizer, const services::IntakeReport& r) {
    std::map<std::string, int> counts;
    auto events = nlohmann::json::array();
    auto rejected = nlohmann::json::array();
    for (const auto& e : r.events) {
        const std::string outcome = itip::to_string(e.outcome);
        ++counts[outcome];
        events.push_back(
            {{"uid", e.uid},
             {"recurrence_id", e.recurrence_id},
             {"outcome", outcome},
             {"event_id", e.event_id.empty() ? nlohmann::json() : nlohmann::json(e.event_id)}});
        if (e.outcome == itip::Outcome::Rejected || e.outcome == itip::Outcome::Stale)
            rejected.push_back(
                {{"uid", e.uid},
                 {"summary", e.summary},
                 {"start",
                  e.start.local.empty() ? nlohmann::json() : nlohmann::json(to_rfc3339(e.start))},
                 {"outcome", outcome},
                 {"reason", e.reason}});
    }
    return {{"organizer", organizer},   {"status", r.status}, {"summary", r.reason},
            {"total", r.events.size()}, {"counts", counts},   {"rejected", rejected},
            {"warnings", r.warnings},   {"events", events},   {"notified", true}};
}

void import_events(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    auto organizer = import_organizer(*key, req, respond);
    if (!organizer) return;
    if (!ctx.intake)
        return respond(json_error(503, "unavailable", "this server runs no create@ processing"));
    const std::string type = media_type(req.header("Content-Type"));
    const auto csv = is_csv_type(type);
    if (!csv)
        return respond(json_error(
            415, "unsupported_media_type",
            fmt::format("Content-Type \"{}\" is not importable: send text/calendar (a .ics with "
                        "any number of VEVENTs) or text/csv (summary,start,end,timezone,location,"
                        "description,uid)",
                        type)));
    if (req.body.empty())
        return respond(json_error(400, "empty_body", "the body is empty: send the file itself"));
    std::optional<store::Organizer> who;
    ctx.store.read([&](store::Tx& tx) {
        if (auto o = tx.find_organizer(*organizer)) {
            who = *o;
        } else if (tx.organizer_domain_allowed(domain_part(*organizer))) {
            who.emplace();
            who->email = *organizer;
        }
    });
    if (!who)
        return respond(
            json_error(404, "organizer_not_found", *organizer + " is not a registered organizer"));
    const std::int64_t now = std::time(nullptr);
    // Reading the file needs no state: it happens before the write transaction, which
    // then only decides and stores.
    auto file = *csv ? services::read_csv_import(req.body, "the CSV file", now)
                     : services::read_ics_import(req.body, "the calendar");
    if (!file.error.empty()) return respond(json_error(422, "unusable_import", file.error));
    const services::ImportNote note{
        fmt::format("import of {} through the API ({} bytes)", *csv ? "a CSV file" : "a calendar",
                    req.body.size()),
        ""};
    commit_then_respond(
        ctx,
        [&ctx, files = std::vector{std::move(file)}, who = *who, note, now](store::Tx& tx) {
            const auto report = services::apply_import(tx, files, who, ctx.intake->policy(),
                                                       std::nullopt, note, now);
            return json_response(200, report_json(who.email, report));
        },
        [respond, &ctx](http::Response r) {
            if (r.status == 200) ctx.work_queued();  // the notification, any fan-out
            respond(std::move(r));
        });
}

}  // namespace

void add_import_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/events/import", api::bind(ctx, import_events));
}

}  // namespace cis::app
