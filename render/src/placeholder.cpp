// Placeholder translation unit so the library target exists before its first real source.
namespace tandem::render { int placeholder_unit = 0; }
