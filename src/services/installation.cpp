#include "services/installation.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "services/ids.hpp"

namespace cis::services {

namespace {

std::string load_or_create(const std::filesystem::path& path) {
    if (std::filesystem::exists(path)) {
        std::ifstream in(path);
        std::string key;
        std::getline(in, key);
        if (key.size() < 32)
            throw std::runtime_error(
                fmt::format("{} is damaged (too short); restore it from a backup", path.string()));
        return key;
    }
    const std::string key = random_token(32);
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << key << "\n";
        if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    ::chmod(tmp.c_str(), 0600);
    std::filesystem::rename(tmp, path);  // atomic: a crash never leaves half a key
    return key;
}

}  // namespace

InstallationKeys load_installation_keys(const std::string& data_dir) {
    const auto dir = std::filesystem::path(data_dir) / "keys";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        throw std::runtime_error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    ::chmod(dir.c_str(), 0700);
    return InstallationKeys{load_or_create(dir / "uid.key"), load_or_create(dir / "token.key")};
}

}  // namespace cis::services
