#include "app/bootstrap.hpp"

#include <ctime>
#include <iostream>

#include "services/api_keys.hpp"

namespace cis::app {

void bootstrap_admin_key(store::Store& store) {
    std::optional<services::NewKey> created;
    const std::int64_t now = std::time(nullptr);
    store.write([&](store::Tx& tx) {
        if (tx.setting("admin_key_bootstrapped")) return;
        tx.put_setting("admin_key_bootstrapped", std::to_string(now));
        if (!tx.list_api_keys().empty()) return;  // keys were made with `cis key create`
        created = services::make_api_key("admin", "", "", "created at first start", now);
        tx.insert_api_key(created->record);
    });
    if (created)
        std::cout << "An admin API key was created for this installation. It is shown only now;\n"
                     "keep it (more with: cis key create --role admin):\n"
                  << created->plaintext << std::endl;
}

}  // namespace cis::app
