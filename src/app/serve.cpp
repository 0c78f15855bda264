// `cis serve`: the long-running process: the SMTP listener and the inbound processor, the
// HTTP API (with the raw inbound intake) and the delivery workers.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <thread>

#include "app/bootstrap.hpp"
#include "app/commands.hpp"
#include "app/http_api.hpp"
#include "app/intake_pipeline.hpp"
#include "app/outbound.hpp"
#include "app/runtime.hpp"
#include "app/smtp_intake.hpp"
#include "core/thread_name.hpp"
#include "http/server.hpp"
#include "ical/timezones.hpp"
#include "services/bulk_jobs.hpp"
#include "services/installation.hpp"

namespace cis::app {

namespace {

std::pair<std::string, unsigned short> split_listen(const std::string& listen, const char* what) {
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos)
        throw ConfigError(fmt::format("{} \"{}\" must be HOST:PORT", what, listen));
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    int port = -1;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
    }
    if (port < 0 || port > 65535)
        throw ConfigError(fmt::format("{} \"{}\" has no valid port", what, listen));
    return {host, static_cast<unsigned short>(port)};
}

http::ServerOptions http_options(const Config& c) {
    http::ServerOptions o;
    std::tie(o.host, o.port) = split_listen(c.http_listen, "[http] listen");
    // POST /inbound takes messages as large as the SMTP listener does; it answers 413
    // itself for anything over [smtp] max_message_size.
    o.max_body = std::max(o.max_body, static_cast<std::size_t>(c.smtp_max_message_size));
    // POST /event/{id}/invites takes lists of 100 000+ rows.
    o.max_body = std::max(o.max_body, kMaxBulkBody);
    o.on_handler_error = [](const std::string& what) { spdlog::error("HTTP handler: {}", what); };
    if (!c.http_compress) o.compression.level = 0;
    return o;
}

smtp::ServerOptions smtp_options(const Config& c) {
    smtp::ServerOptions o;
    std::tie(o.host, o.port) = split_listen(c.smtp_listen, "[smtp] listen");
    o.hostname = c.smtp_hostname.empty() ? c.domain : c.smtp_hostname;
    o.max_message_size = static_cast<std::size_t>(c.smtp_max_message_size);
    o.max_connections = static_cast<std::size_t>(c.smtp_max_connections);
    o.idle_timeout = std::chrono::seconds(c.smtp_idle_timeout);
    o.tls_cert_file = c.smtp_tls_cert;
    o.tls_key_file = c.smtp_tls_key;
    return o;
}

}  // namespace

int cmd_serve(const Config& c) {
    auto store = open_store(c);
    const auto keys = services::load_installation_keys(c.data_dir);
    bootstrap_admin_key(*store);
    auto verifier = make_verifier(c);
    ical::ZoneResolver::warm_up();  // ICU's zone indexes now, not on the first message
    const auto policy = intake_policy(c, keys);
    const unsigned threads = std::max(2u, std::thread::hardware_concurrency());
    // Preparing a message may wait on DNS (DKIM keys): more workers than cores.
    const unsigned workers_count = std::max(8u, 4 * threads);

    boost::asio::io_context io;
    boost::asio::thread_pool workers(workers_count);
    store::GroupCommitter committer(*store);
    services::IntakeWriter writer(committer, policy);
    // One intake path for every door into `cis serve`.
    IntakePipeline pipeline(policy, *store, writer, *verifier, workers);
    SmtpIntake intake(pipeline);
    smtp::Server smtp_server(io, smtp_options(c), intake);

    Outbound outbound(c, *store, keys);
    services::BulkSettings bulk_settings;
    bulk_settings.invite = services::InviteContext{nullptr,  keys.uid_key,     keys.token_key,
                                                   c.domain, c.mailbox_bounce, 0};
    bulk_settings.notification_local = c.mailbox_notification;
    bulk_settings.public_url = c.effective_public_url();
    services::BulkRunner bulk(*store, bulk_settings, [&outbound] { outbound.poke(); });
    ApiContext api{*store,         committer,
                   c.domain,       keys.uid_key,
                   keys.token_key, c.mailbox_bounce,
                   c.transport,    [&outbound] { outbound.poke(); },
                   &pipeline,      static_cast<std::size_t>(c.smtp_max_message_size)};
    api.create_mailbox = c.mailbox_create;
    api.bulk_queued = [&bulk] { bulk.poke(); };
    api.public_url = c.effective_public_url();
    api.rsvp_mailbox = c.mailbox_rsvp;
    api.notification_mailbox = c.mailbox_notification;
    api.pages.max_selection =
        static_cast<std::size_t>(std::max<std::int64_t>(c.pages_max_selection, 1));
    api.pages.client_ip_header = c.pages_client_ip_header;
    api.ip_limiter = std::make_shared<services::RateLimiter>(c.pages_ip_limit, c.pages_ip_window);
    api.recipient_limiter =
        std::make_shared<services::RateLimiter>(c.pages_recipient_limit, c.pages_recipient_window);
    http::Router router;
    add_api_routes(router, api);
    http::Server http_server(io, http_options(c),
                             [&router](http::Request req, http::Respond respond) {
                                 router.dispatch(std::move(req), std::move(respond));
                             });

    smtp_server.start();
    http_server.start();
    outbound.start();
    bulk.start();  // also resumes a job a stop or crash interrupted
    spdlog::info("CIS serving {}: SMTP on {}:{}, HTTP on {}:{}, data in {}, DKIM {}, outbound {}",
                 c.domain, smtp_options(c).host, smtp_server.port(), http_options(c).host,
                 http_server.port(), c.data_dir, c.require_dkim ? "required" : "not required",
                 outbound.description());

    // Stopping the outbound side waits for deliveries that need the io threads, so it
    // runs on a thread of its own; io.run() returns once everything has wound down.
    std::thread stopper;
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        spdlog::info("signal {}: finishing the work in progress, then stopping", sig);
        smtp_server.stop();
        http_server.stop();
        stopper = std::thread([&] { outbound.stop(); });
    });

    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i)
        pool.emplace_back([&] {
            name_this_thread("cis-io");
            io.run();
        });
    name_this_thread("cis-io");
    io.run();
    for (auto& t : pool) t.join();
    if (stopper.joinable()) stopper.join();
    workers.join();
    spdlog::info("stopped");
    return 0;
}

}  // namespace cis::app
