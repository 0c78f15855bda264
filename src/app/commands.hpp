#pragma once
// One function per `cis` command. Each returns the process exit status.
#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace cis::app {

int cmd_serve(const Config& c);
int cmd_migrate(const Config& c);
int cmd_config_show(const Config& c);

struct IngestArgs {
    std::string rcpt, sender;
};
int cmd_ingest(const Config& c, const IngestArgs& a);

struct OrganizerArgs {
    std::string email, name, trust = "default", secret;
    bool generate_secret = false;
    std::int64_t event_limit = 0;
    bool json = false;
};
int cmd_organizer_add(const Config& c, const OrganizerArgs& a);
int cmd_organizer_list(const Config& c, const OrganizerArgs& a);
int cmd_organizer_remove(const Config& c, const OrganizerArgs& a);
int cmd_organizer_allow_domain(const Config& c, const std::string& domain);

struct KeyArgs {
    std::string role, organizer, domain, label, id;
    bool json = false;
};
int cmd_key_create(const Config& c, const KeyArgs& a);
int cmd_key_list(const Config& c, const KeyArgs& a);
int cmd_key_revoke(const Config& c, const KeyArgs& a);

struct ListArgs {
    std::string id, organizer, status;
    std::size_t limit = 100;
    bool json = false, raw = false;
};
int cmd_event_list(const Config& c, const ListArgs& a);
int cmd_event_show(const Config& c, const ListArgs& a);
int cmd_inbound_list(const Config& c, const ListArgs& a);
int cmd_inbound_show(const Config& c, const ListArgs& a);
int cmd_outbox_list(const Config& c, const ListArgs& a);

}  // namespace cis::app
