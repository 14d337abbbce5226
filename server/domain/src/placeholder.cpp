// Placeholder translation unit so the library target exists before its first real source.
namespace tandem::domain { int placeholder_unit = 0; }
