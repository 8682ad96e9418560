/** A job's `checkout:`: the repository at the event's commit in an `exec` step's working directory. */
import Type from 'typebox';

/** The most commits of history a checkout may ask for (0 asks for all of it). */
export const MAX_CHECKOUT_DEPTH = 1_000_000;

export const CheckoutSchema = Type.Union(
  [
    Type.Boolean(),
    Type.Object(
      {
        depth: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: MAX_CHECKOUT_DEPTH,
            description: 'Commits of history to fetch; default 1, 0 for the whole history.',
          }),
        ),
      },
      { additionalProperties: false },
    ),
  ],
  {
    description:
      "Fill an `exec` step's fresh working directory with the repository at the event's commit (a pull request's head). `true`, or `{ depth: N }`. Submodules and LFS files are not fetched.",
  },
);
