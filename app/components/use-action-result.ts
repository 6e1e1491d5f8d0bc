import { useNavigation } from "react-router";

/**
 * A page's action answer, held back while the page's data reloads after the submission.
 *
 * React Router hands a page its action's answer as soon as the action returns and then reloads
 * the page's loaders; until they return, a notice such as "已保存" or "已通过" stood beside the
 * data from before the change (the order still 待订单审核, the list without the new row). Held
 * back for that moment, the answer and the data it speaks of arrive together. An answer that
 * reloads nothing (a refused form: React Router skips the reload after a 4xx) shows at once.
 */
export function useActionResult<T>(answer: T): T | undefined {
  const navigation = useNavigation();
  const reloadingAfterSubmit =
    navigation.state === "loading" && navigation.formMethod !== undefined && navigation.formMethod !== "GET";
  return reloadingAfterSubmit ? undefined : answer;
}
