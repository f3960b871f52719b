/* JNI_OnLoad of libgreenhub-kqueue-shim (tests on Linux): registers only the
 * Kqueue natives; the rest comes from libgreenhub, loaded first. */
#include "../src/gh.h"

JNIEXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    JNIEnv *env;
    if ((*vm)->GetEnv(vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK) return JNI_ERR;
    if (gh_register_kqueue(env) != 0) return JNI_ERR;
    return JNI_VERSION_1_8;
}
