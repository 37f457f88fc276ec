#include "tools/render_files.hpp"

#include <cstdlib>
#include <fstream>

namespace tools {

bool write_text(const std::string& path, const std::string& text, std::string& problem) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (file) return true;
  problem = path + ": cannot write";
  return false;
}

namespace {

// Single quotes around a path for the shell, with its own quotes escaped.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char character : text) quoted += character == '\'' ? std::string("'\\''") : std::string(1, character);
  return quoted + "'";
}

}  // namespace

std::string picture_path(const std::string& base, const std::string& label, const std::string& format) {
  std::string stem = base;
  if (stem.size() > 6 && stem.ends_with(".jsonl")) stem.resize(stem.size() - 6);
  return stem + "." + label + "." + format;
}

bool write_picture(const std::string& dot_text, const std::string& output, const std::string& format,
                   std::string& problem) {
  if (format == "dot") return write_text(output, dot_text, problem);
  // Graphviz renders from a DOT file written beside the picture, which stays
  // as the picture's source.
  const std::string source = output + ".dot";
  if (!write_text(source, dot_text, problem)) return false;
  if (std::system("command -v dot >/dev/null 2>&1") != 0) {
    problem = "Graphviz's `dot` is not installed (Debian: apt-get install graphviz), so no " + format +
              " was made; the DOT source is in " + source + " (or use --format dot)";
    return false;
  }
  const std::string command = "dot -T" + format + " -o " + shell_quoted(output) + " " + shell_quoted(source);
  if (std::system(command.c_str()) != 0) {
    problem = "Graphviz's `dot` failed on " + source;
    return false;
  }
  return true;
}

}  // namespace tools
