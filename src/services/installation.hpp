#pragma once
// Secrets that belong to one installation and live in its data directory: the key of
// the per-recipient UID hash and the key that signs unsubscribe tokens. Created at the
// first start (mode 0600), read afterwards; losing them would orphan every reply.
#include <string>

namespace cis::services {

struct InstallationKeys {
    std::string uid_key;    // HMAC key for per-recipient UIDs
    std::string token_key;  // HMAC key for unsubscribe and bounce tokens
};

// Reads <data_dir>/keys/*.key, creating missing ones. Throws std::runtime_error with
// the path when the directory cannot be written or a key file is unreadable.
InstallationKeys load_installation_keys(const std::string& data_dir);

}  // namespace cis::services
