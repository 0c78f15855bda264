#pragma once
// The HTTP API of SPEC §4 that exists so far: health, invitations, the sandbox, raw
// inbound mail (http_inbound.cpp), suppressions, management of organizers and keys, the
// OpenAPI document, and the public unsubscribe link. Routes
// authenticate the X-API-Key, check its role, and call the services; writes go through the
// GroupCommitter so many concurrent requests share one fsync.
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/router.hpp"
#include "services/bulk_jobs.hpp"
#include "services/invites.hpp"
#include "services/key_cache.hpp"
#include "services/rate_limit.hpp"
#include "store/group_commit.hpp"

namespace cis::app {

class IntakePipeline;

// [pages] of the configuration.
struct PageLimits {
    std::size_t max_selection = 100;  // events one send may ask for
    std::string client_ip_header;     // "" = the peer address is the client's
};

struct ApiContext {
    store::Store& store;
    store::GroupCommitter& committer;
    std::string domain, uid_key, token_key, bounce_local, transport;
    std::function<void()> work_queued;  // wakes the outbox worker
    // POST /inbound hands messages to the same pipeline as the SMTP listener; without
    // one the route is not offered.
    IntakePipeline* intake;
    std::size_t max_message_size;  // [smtp] max_message_size: the limit of every intake
    // [mailboxes] create: organizers' secret addresses are create+SECRET@domain.
    std::string create_mailbox = "create";
    std::function<void()> bulk_queued = {};  // wakes the bulk job runner
    // Keys recently proven (api::caller uses it); see forget_cached_keys.
    services::KeyCache keys{};
    // Public pages and CTA links (issue 6): links are made under public_url (no trailing
    // slash); sends are limited per client IP and per recipient address.
    std::string public_url = {};
    PageLimits pages = {};
    std::shared_ptr<services::RateLimiter> ip_limiter = {}, recipient_limiter = {};
    // [mailboxes] rsvp: feeds name rsvp@domain as ORGANIZER, as the invitations do.
    std::string rsvp_mailbox = "rsvp";
    // [mailboxes] notification: From of the confirmation a page with `confirm` mails.
    std::string notification_mailbox = "notification";
};

// The largest bulk list POST /event/{id}/invites takes (services::kMaxBulkList); the HTTP
// server's body limit is raised to it.
inline constexpr std::size_t kMaxBulkBody = services::kMaxBulkList;

namespace api {
// Call after revoking (or changing) a key in this process: the next request checks every
// key against the database again. A revoke by another process (the CLI) takes effect
// within a second without it.
inline void forget_cached_keys(ApiContext& ctx) {
    ctx.keys.forget();
}
}  // namespace api

void add_api_routes(http::Router& router, ApiContext& ctx);
// The fan-out's routes (http_api_changes.cpp); add_api_routes() adds them.
void add_change_routes(http::Router& router, ApiContext& ctx);
// GET /sandbox/messages[/{id}], POST /sandbox/messages/{id}/reply (http_sandbox.cpp).
void add_sandbox_routes(http::Router& router, ApiContext& ctx);
// POST /inbound, GET /inbound, /inbound/{id}, /inbound/{id}/raw (http_inbound.cpp).
void add_inbound_routes(http::Router& router, ApiContext& ctx);
// The public one-click unsubscribe link: GET and POST /unsubscribe/{token}, no key
// (http_unsubscribe.cpp).
void add_unsubscribe_routes(http::Router& router, ApiContext& ctx);
// GET and POST /suppressions, DELETE /suppressions/{email} (http_suppressions.cpp).
void add_suppression_routes(http::Router& router, ApiContext& ctx);
// Management of organizers (http_organizers.cpp): POST /organizers, GET /organizers,
// GET, PATCH and DELETE /organizer/{email}.
void add_organizer_routes(http::Router& router, ApiContext& ctx);
// GET and POST /organizer-domains, DELETE /organizer-domains/{domain}
// (http_organizer_domains.cpp).
void add_organizer_domain_routes(http::Router& router, ApiContext& ctx);
// POST and GET /keys, GET and DELETE /keys/{id} (http_keys.cpp).
void add_key_routes(http::Router& router, ApiContext& ctx);
// GET /openapi.json, no key: the document built into the binary (http_openapi.cpp).
void add_openapi_routes(http::Router& router);
// That document: src/app/openapi.json as it was at build time.
std::string_view openapi_document();
// POST /events/import: batch event import, .ics or CSV (http_import.cpp).
void add_import_routes(http::Router& router, ApiContext& ctx);
// GET /event/{id}/report.csv, POST /event/{id}/report: the invitee report (http_reports.cpp).
void add_report_routes(http::Router& router, ApiContext& ctx);
// POST /event/{id}/invites, GET /jobs, /jobs/{id}, /jobs/{id}/skipped (http_bulk.cpp).
void add_bulk_routes(http::Router& router, ApiContext& ctx);
// GET /system/events, /organizer/{email}/events, /event/{id}, /event/{id}/attendees
// (http_display.cpp).
void add_display_routes(http::Router& router, ApiContext& ctx);
// GET /system/statistics, /organizer/{email}/statistics, /event/{id}/statistics
// (http_statistics.cpp).
void add_statistics_routes(http::Router& router, ApiContext& ctx);
// Calendar feeds and downloads (http_feeds.cpp): GET /p/{id}/feed.ics,
// /p/{id}/ics/{event_id}, /feed/{token}/calendar.ics (no key) and /organizer/{email}/feed.
void add_feed_routes(http::Router& router, ApiContext& ctx);
// The public pages (issue 6): GET /p/{id}, POST /p/{id}/send, no key
// (http_public_pages.cpp).
void add_public_page_routes(http::Router& router, ApiContext& ctx);
// GET and POST /confirm/{token}: the double opt-in link of a page send (http_confirm.cpp).
void add_confirm_routes(http::Router& router, ApiContext& ctx);
// Page configurations (http_pages_admin.cpp): POST and GET /pages, GET, PATCH and DELETE
// /pages/{id}.
void add_page_admin_routes(http::Router& router, ApiContext& ctx);
// CTA links (http_cta.cpp): POST and GET /event/{id}/cta-links (API); GET and POST /c/{id}
// (public, no key).
void add_cta_routes(http::Router& router, ApiContext& ctx);

}  // namespace cis::app
