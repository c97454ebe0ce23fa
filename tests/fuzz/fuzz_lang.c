/* fuzz_lang.c - libFuzzer entry point for the Click-language parser (clang -fsanitize=fuzzer; see fuzz_config.c for the built-in fuzzer).
 *
 * Build by hand, e.g.:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude tests/fuzz/fuzz_lang.c \
 *     src/lang/[a-z]*.c src/core/strbuf.c src/core/error.c src/core/registry.c -o fuzz_lang
 * The registry is given a few class names so that inputs reach the
 * compound expander and not only the "unknown class" errors.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "weir/element.h"
#include "weir/lang.h"

static const char *const fuzz_class_names[] = {
	"Counter", "Discard", "Idle", "Queue", "Tee", "Print", "Classifier",
};

static void
fuzz_register_classes(void)
{
	static bool done;
	static struct weir_element_class classes[WEIR_ARRAY_SIZE(fuzz_class_names)];
	if (done)
		return;
	done = true;
	for (size_t i = 0; i < WEIR_ARRAY_SIZE(fuzz_class_names); i++) {
		if (weir_element_class_find(fuzz_class_names[i]))
			continue;
		classes[i] = (struct weir_element_class){
			.name = fuzz_class_names[i], .port_count = "-/-", .processing = "a/a",
		};
		weir_element_class_register(&classes[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct weir_lang_var vars[] = { { "X", "1" } };
	fuzz_register_classes();
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	struct weir_errh errh;
	struct weir_graph g;
	weir_errh_init_silent(&errh);
	if (weir_lang_parse(text, "fuzz", vars, 1, &g, &errh) == 0) {
		struct weir_strbuf sb = WEIR_STRBUF_INIT;
		weir_graph_dot(&g, &sb);
		weir_strbuf_free(&sb);
	}
	weir_graph_free(&g);
	free(text);
	return 0;
}
