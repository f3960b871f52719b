#include "gh.h"

int gh_register(JNIEnv *env, const char *class_name,
                const JNINativeMethod *methods, int count) {
    jclass cls = (*env)->FindClass(env, class_name);
    if (cls == NULL) return -1;
    jint r = (*env)->RegisterNatives(env, cls, methods, count);
    (*env)->DeleteLocalRef(env, cls);
    return r == 0 ? 0 : -1;
}
