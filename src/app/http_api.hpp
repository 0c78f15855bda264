#pragma once
// The HTTP API of SPEC §4 that exists so far: health, invitations, the sandbox and raw
// inbound mail (http_inbound.cpp). Routes authenticate the X-API-Key, check its role,
// and call the services; writes go through the GroupCommitter so many concurrent
// requests share one fsync.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "http/router.hpp"
#include "services/invites.hpp"
#include "store/group_commit.hpp"

namespace cis::app {

class IntakePipeline;

struct ApiContext {
    store::Store& store;
    store::GroupCommitter& committer;
    std::string domain, uid_key, token_key, bounce_local, transport;
    std::function<void()> work_queued;  // wakes the outbox worker
    // POST /inbound hands messages to the same pipeline as the SMTP listener; without
    // one the route is not offered.
    IntakePipeline* intake;
    std::size_t max_message_size;  // [smtp] max_message_size: the limit of every intake
};

void add_api_routes(http::Router& router, ApiContext& ctx);
// POST /inbound, GET /inbound, /inbound/{id}, /inbound/{id}/raw (called by add_api_routes).
void add_inbound_routes(http::Router& router, ApiContext& ctx);

// What the route files share.
namespace api {
// The key presented in X-API-Key, or nullopt after answering 401.
std::optional<store::ApiKey> caller(ApiContext& ctx, const http::Request& req,
                                    const http::Respond& respond);
// True for an admin key; otherwise answers 403.
bool is_admin(const store::ApiKey& key, const http::Respond& respond);
// The first value of a query parameter, "" when absent.
std::string first(const http::Request& req, const std::string& name);
}  // namespace api

}  // namespace cis::app
