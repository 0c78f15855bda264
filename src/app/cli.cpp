#include "app/cli.hpp"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <iostream>

#include "app/commands.hpp"
#include "app/config.hpp"
#include "app/runtime.hpp"

namespace cis::app {

namespace {

struct GlobalFlags {
    std::string config_path, data_dir, domain, smtp_listen, http_listen, log_level;
};

Config build_config(const GlobalFlags& g) {
    std::string path = g.config_path;
    const auto env = process_environment();
    if (path.empty())
        if (auto it = env.find("CIS_CONFIG"); it != env.end()) path = it->second;
    if (path.empty() && std::filesystem::exists("cis.toml")) path = "cis.toml";
    Config c = load_config(path, env);
    if (!g.data_dir.empty()) c.data_dir = g.data_dir;
    if (!g.domain.empty()) c.domain = g.domain;
    if (!g.smtp_listen.empty()) c.smtp_listen = g.smtp_listen;
    if (!g.http_listen.empty()) c.http_listen = g.http_listen;
    if (!g.log_level.empty()) c.log_level = g.log_level;
    return c;
}

}  // namespace

int run_cli(int argc, char** argv) {
    CLI::App app{"CIS — the calendar invite server"};
    app.require_subcommand(1);
    app.fallthrough();  // global flags may also follow the command
    GlobalFlags g;
    app.add_option("--config", g.config_path,
                   "cis.toml to read (default: ./cis.toml if present, or $CIS_CONFIG)");
    app.add_option("--data-dir", g.data_dir, "directory of the database and keys (default ./data)");
    app.add_option("--domain", g.domain, "mail domain of this installation");
    app.add_option("--smtp-listen", g.smtp_listen, "HOST:PORT for the SMTP listener");
    app.add_option("--http-listen", g.http_listen, "HOST:PORT for the HTTP API");
    app.add_option("--log-level", g.log_level, "trace, debug, info, warn, error");

    std::function<int(const Config&)> action;
    const auto on = [&](CLI::App* cmd, std::function<int(const Config&)> fn) {
        cmd->callback([&action, fn] { action = fn; });
    };

    on(app.add_subcommand("serve", "run the SMTP listener and the workers"), cmd_serve);
    on(app.add_subcommand("migrate", "apply database migrations and print the schema version"),
       cmd_migrate);
    auto* config = app.add_subcommand("config", "configuration");
    config->require_subcommand(1);
    on(config->add_subcommand("show", "print the effective configuration as TOML"),
       cmd_config_show);

    IngestArgs ingest;
    auto* ingest_cmd = app.add_subcommand(
        "ingest",
        "read one message on stdin (for Postfix pipe); exit 0 accepted, 65 bad message, "
        "67 unknown recipient, 75 try later");
    ingest_cmd->add_option("--rcpt", ingest.rcpt, "envelope recipient, e.g. create@example.org")
        ->required();
    ingest_cmd->add_option("--from", ingest.sender, "envelope sender");
    on(ingest_cmd, [&](const Config& c) { return cmd_ingest(c, ingest); });

    OrganizerArgs org;
    auto* organizer = app.add_subcommand("organizer", "registered organizers");
    organizer->require_subcommand(1);
    auto* add = organizer->add_subcommand("add", "register (or update) an organizer");
    add->add_option("email", org.email, "the organizer's address")->required();
    add->add_option("--name", org.name, "display name used in invitations");
    add->add_option("--trust", org.trust,
                    "how their mail is authenticated: default, dkim, secret, both, none")
        ->check(CLI::IsMember({"default", "dkim", "secret", "both", "none"}));
    add->add_option("--secret", org.secret, "secret for create+<secret>@ addresses");
    add->add_flag("--generate-secret", org.generate_secret,
                  "generate a secret and print the address");
    add->add_option("--event-limit", org.event_limit,
                    "upcoming events allowed (0 = installation default)");
    on(add, [&](const Config& c) { return cmd_organizer_add(c, org); });
    auto* olist = organizer->add_subcommand("list", "list organizers");
    olist->add_flag("--json", org.json, "JSON output");
    on(olist, [&](const Config& c) { return cmd_organizer_list(c, org); });
    auto* remove =
        organizer->add_subcommand("remove", "unregister an organizer (their events stay)");
    remove->add_option("email", org.email)->required();
    on(remove, [&](const Config& c) { return cmd_organizer_remove(c, org); });
    std::string domain_arg;
    auto* allow =
        organizer->add_subcommand("allow-domain", "let every address of a domain organise");
    allow->add_option("domain", domain_arg)->required();
    on(allow, [&](const Config& c) { return cmd_organizer_allow_domain(c, domain_arg); });

    KeyArgs key;
    auto* keys = app.add_subcommand("key", "API keys (X-API-Key)");
    keys->require_subcommand(1);
    auto* kcreate =
        keys->add_subcommand("create", "create a key; prints it alone on its last line");
    kcreate->add_option("--role", key.role, "admin, domain or organizer")
        ->required()
        ->check(CLI::IsMember({"admin", "domain", "organizer"}));
    kcreate->add_option("--organizer", key.organizer,
                        "for --role organizer: the organizer's address");
    kcreate->add_option("--domain", key.domain, "for --role domain: the organizers' domain");
    kcreate->add_option("--label", key.label, "a note on what the key is for");
    on(kcreate, [&](const Config& c) { return cmd_key_create(c, key); });
    auto* klist = keys->add_subcommand("list", "keys (ids and scopes, never secrets)");
    klist->add_flag("--json", key.json, "JSON output");
    on(klist, [&](const Config& c) { return cmd_key_list(c, key); });
    auto* krevoke = keys->add_subcommand("revoke", "revoke a key by its id");
    krevoke->add_option("id", key.id, "the key id (cis_<id>_…)")->required();
    on(krevoke, [&](const Config& c) { return cmd_key_revoke(c, key); });

    ListArgs list;
    auto* event = app.add_subcommand("event", "stored events");
    event->require_subcommand(1);
    auto* elist = event->add_subcommand("list", "list events, newest first");
    elist->add_option("--organizer", list.organizer, "only this organizer's");
    elist->add_option("--limit", list.limit, "at most this many (default 100)");
    elist->add_flag("--json", list.json, "JSON output");
    on(elist, [&](const Config& c) { return cmd_event_list(c, list); });
    auto* eshow = event->add_subcommand("show", "one event with its occurrences");
    eshow->add_option("id", list.id, "CIS event id")->required();
    eshow->add_flag("--json", list.json, "JSON output");
    on(eshow, [&](const Config& c) { return cmd_event_show(c, list); });

    auto* inbound = app.add_subcommand("inbound", "every message received, with its outcome");
    inbound->require_subcommand(1);
    auto* ilist = inbound->add_subcommand("list", "newest first");
    ilist->add_option("--status", list.status, "only this outcome (created, rejected, ...)");
    ilist->add_option("--limit", list.limit, "at most this many (default 100)");
    ilist->add_flag("--json", list.json, "JSON output");
    on(ilist, [&](const Config& c) { return cmd_inbound_list(c, list); });
    auto* ishow =
        inbound->add_subcommand("show", "one message: outcome, reasons, and with --raw its bytes");
    ishow->add_option("id", list.id, "inbound id")->required();
    ishow->add_flag("--json", list.json, "JSON output");
    ishow->add_flag("--raw", list.raw, "print the message exactly as received");
    on(ishow, [&](const Config& c) { return cmd_inbound_show(c, list); });

    auto* outbox = app.add_subcommand("outbox", "messages queued for delivery");
    outbox->require_subcommand(1);
    auto* xlist = outbox->add_subcommand("list", "newest first");
    xlist->add_option("--limit", list.limit, "at most this many (default 100)");
    xlist->add_flag("--json", list.json, "JSON output, including each message");
    on(xlist, [&](const Config& c) { return cmd_outbox_list(c, list); });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    try {
        const Config c = build_config(g);
        setup_logging(c);
        return action(c);
    } catch (const std::exception& e) {
        std::cerr << "cis: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cis::app
