#pragma once
// The HTTP API of SPEC §4 that exists so far: health, invitations and the sandbox.
// Routes authenticate the X-API-Key, check its role, and call the services; writes go
// through the GroupCommitter so many concurrent requests share one fsync.
#include <functional>
#include <string>

#include "http/router.hpp"
#include "services/invites.hpp"
#include "store/group_commit.hpp"

namespace cis::app {

struct ApiContext {
    store::Store& store;
    store::GroupCommitter& committer;
    std::string domain, uid_key, token_key, bounce_local, transport;
    std::function<void()> work_queued;  // wakes the outbox worker
};

void add_api_routes(http::Router& router, ApiContext& ctx);
// The fan-out's routes (http_api_changes.cpp); add_api_routes() adds them.
void add_change_routes(http::Router& router, ApiContext& ctx);

}  // namespace cis::app
