// Bulk invitation jobs through the API (SPEC §3.6, docs/bulk.md):
//   POST /event/{id}/invites      a CSV (text/csv, header row with an email column) or JSON
//                                 list; 202 with the job and Location: /jobs/{id}
//   GET  /jobs                    the caller's jobs, newest first (admin: all; domain: its
//                                 organizers'; organizer: its own)
//   GET  /jobs/{id}               state and progress
//   GET  /jobs/{id}/skipped       skipped rows by line, paged with ?after=LINE&limit=
// The list is checked (header, shape, origin) before the job is stored; the rows are
// processed afterwards by services::BulkRunner.
#include <fmt/format.h>

#include <ctime>

#include "app/api_support.hpp"
#include "app/http_api.hpp"
#include "services/bulk_jobs.hpp"
#include "services/bulk_rows.hpp"

namespace cis::app {

namespace {

using http::json_error;
using http::json_response;
using namespace api;

nlohmann::json job_json(const store::BulkJob& j) {
    const auto time = [](const std::optional<std::int64_t>& t) {
        return t ? nlohmann::json(rfc3339_utc(*t)) : nlohmann::json();
    };
    auto reasons = nlohmann::json::parse(j.skip_reasons, nullptr, false);
    if (!reasons.is_object()) reasons = nlohmann::json::object();
    return {{"id", j.id},
            {"kind", j.kind},
            {"state", j.state},
            {"error", j.error.empty() ? nlohmann::json() : nlohmann::json(j.error)},
            {"event_id", j.event_id},
            {"organizer", j.organizer},
            {"source", j.source},
            {"inbound_id", j.inbound_id ? nlohmann::json(*j.inbound_id) : nlohmann::json()},
            {"format", j.format},
            {"origin", j.origin},
            {"progress",
             {{"rows", j.total},
              {"accepted", j.accepted},
              {"already_invited", j.already_invited},
              {"skipped", j.skipped},
              {"next_line", j.next_line}}},
            {"skip_reasons", reasons},
            {"created_at", rfc3339_utc(j.created_at)},
            {"started_at", time(j.started_at)},
            {"finished_at", time(j.finished_at)}};
}

void post_invites(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto event = event_for(ctx, *key, p.at("id"), respond);
    if (!event) return;
    const auto format = services::bulk_format_of(req.header("Content-Type"));
    if (!format)
        return respond(json_error(415, "unsupported_media_type",
                                  "send the list as text/csv (a header row with an email column) "
                                  "or application/json ({\"invitees\": [{\"email\", \"name\"}]})"));
    if (req.body.size() > kMaxBulkBody)
        return respond(
            json_error(413, "payload_too_large",
                       fmt::format("the list exceeds {} bytes; split it", kMaxBulkBody)));
    std::string origin = "bulk";
    if (auto problem = services::check_bulk_list(*format, req.body, &origin))
        return respond(json_error(422, "invalid_list", *problem));
    if (!services::valid_origin(origin))
        return respond(
            json_error(422, "invalid_origin",
                       fmt::format("origin \"{}\" must be a short lower-case tag such as "
                                   "bulk or cta:mailchimp",
                                   origin)));
    const std::int64_t now = std::time(nullptr);
    if (auto why = services::event_refuses_bulk(*event, now))
        return respond(json_error(409, "event_closed", *why));

    store::BulkJob job;
    job.organizer = event->organizer;
    job.event_id = event->id;
    job.source = "api";
    job.key_id = key->id;
    // The result email goes to the organizer whose event it is (keys have no mailbox).
    job.notify = event->organizer;
    job.origin = origin;
    job.format = *format;
    job.created_at = now;
    Respond answer = [respond, &ctx](http::Response r) {
        if (r.status == 202 && ctx.bulk_queued) ctx.bulk_queued();
        respond(std::move(r));
    };
    commit_then_respond(
        ctx,
        [job, body = req.body](store::Tx& tx) mutable {
            job.id = tx.insert_bulk_job(job, body);
            auto r = json_response(202, job_json(job));
            r.headers.emplace_back("Location", fmt::format("/jobs/{}", job.id));
            return r;
        },
        std::move(answer));
}

// The job, if it exists and the key covers its organizer; otherwise answers 404/403.
std::optional<store::BulkJob> job_for(ApiContext& ctx, const store::ApiKey& key,
                                      const std::string& id_text, const Respond& respond) {
    const auto id = positive_number(id_text);
    std::optional<store::BulkJob> job;
    if (id) ctx.store.read([&](store::Tx& tx) { job = tx.find_bulk_job(*id); });
    if (!job) {
        respond(json_error(404, "job_not_found", "no job with id " + id_text));
        return std::nullopt;
    }
    if (!covers(key, job->organizer, respond)) return std::nullopt;
    return job;
}

void get_job(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    if (auto job = job_for(ctx, *key, p.at("id"), respond))
        respond(json_response(200, job_json(*job)));
}

void get_skipped(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto job = job_for(ctx, *key, p.at("id"), respond);
    if (!job) return;
    std::size_t limit = 100;
    std::int64_t after = 0;
    if (req.query.count("limit")) {
        const auto n = positive_number(query(req, "limit"));
        if (!n || *n > 1000)
            return respond(
                json_error(400, "invalid_parameter", "limit must be a number from 1 to 1000"));
        limit = static_cast<std::size_t>(*n);
    }
    if (req.query.count("after")) {
        const auto n = positive_number(query(req, "after"));
        if (!n)
            return respond(
                json_error(400, "invalid_parameter",
                           "after must be a line number (next_after of the previous page)"));
        after = *n;
    }
    std::vector<store::BulkSkip> rows;
    ctx.store.read([&](store::Tx& tx) { rows = tx.list_bulk_skips(job->id, after, limit + 1); });
    const bool more = rows.size() > limit;
    if (more) rows.resize(limit);
    auto items = nlohmann::json::array();
    for (const auto& k : rows)
        items.push_back(
            {{"line", k.line}, {"email", k.email}, {"reason", k.reason}, {"detail", k.detail}});
    respond(json_response(
        200, {{"skipped", items},
              {"next_after", more ? nlohmann::json(rows.back().line) : nlohmann::json()}}));
}

void list_jobs(ApiContext& ctx, const Request& req, const Params&, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const auto page = page_query(req, respond, "a job id");
    if (!page) return;
    store::BulkJobFilter f;
    f.limit = page->limit + 1;
    f.before = page->before;
    if (key->role == "domain") f.domain = key->domain;
    if (key->role == "organizer") f.organizer = key->organizer;
    std::vector<store::BulkJob> jobs;
    ctx.store.read([&](store::Tx& tx) { jobs = tx.list_bulk_jobs(f); });
    const bool more = trim_page(jobs, *page);
    auto items = nlohmann::json::array();
    for (const auto& j : jobs) items.push_back(job_json(j));
    respond(json_response(
        200, {{"jobs", items},
              {"next_before", more ? nlohmann::json(jobs.back().id) : nlohmann::json()}}));
}

}  // namespace

void add_bulk_routes(http::Router& router, ApiContext& ctx) {
    router.add("POST", "/event/{id}/invites", api::bind(ctx, post_invites));
    router.add("GET", "/jobs", api::bind(ctx, list_jobs));
    router.add("GET", "/jobs/{id}", api::bind(ctx, get_job));
    router.add("GET", "/jobs/{id}/skipped", api::bind(ctx, get_skipped));
}

}  // namespace cis::app
