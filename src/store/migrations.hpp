#pragma once
#include <string>
#include <vector>

namespace cis::store {

struct Migration {
    int version;
    std::string description;
    std::string sql;
};

const std::vector<Migration>& sqlite_migrations();

}  // namespace cis::store
