#include "app/runtime.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace cis::app {

std::unique_ptr<store::Store> open_store(const Config& c) {
    std::error_code ec;
    std::filesystem::create_directories(c.data_dir, ec);
    if (ec)
        throw ConfigError("cannot create the data directory " + c.data_dir + ": " + ec.message());
    auto store = store::open_sqlite(store::SqliteOptions{c.database_path()});
    store->migrate();
    return store;
}

services::MailboxNames mailbox_names(const Config& c) {
    return services::MailboxNames{c.mailbox_create, c.mailbox_bulk, c.mailbox_rsvp,
                                  c.mailbox_bounce};
}

services::IntakePolicy intake_policy(const Config& c, const services::InstallationKeys& keys) {
    services::IntakePolicy p;
    p.domain = c.domain;
    p.mailboxes = mailbox_names(c);
    p.fanout = services::FanOutSettings{c.domain, c.mailbox_bounce, keys.token_key, c.approval};
    p.uid_key = keys.uid_key;
    p.require_dkim = c.require_dkim;
    p.accept_past_events = c.accept_past_events;
    p.default_event_limit = c.event_limit;
    p.public_url = c.effective_public_url();
    p.notification_local = c.mailbox_notification;
    return p;
}

std::unique_ptr<dkim::Verifier> make_verifier(const Config& c) {
    dkim::VerifierOptions opts;
    opts.key_file = c.dkim_key_file;
    return std::make_unique<dkim::Verifier>(opts);
}

void setup_logging(const Config& c) {
    // Logs go to stderr: stdout carries command output (JSON, the admin key).
    static auto logger = spdlog::stderr_color_mt("cis");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(c.log_level));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
}

}  // namespace cis::app
