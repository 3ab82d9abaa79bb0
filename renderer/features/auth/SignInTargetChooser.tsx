import { useId } from 'react';
import { useSession } from '../../stores/stores-context';

/**
 * Where to sign in: the server this app was set up with (the demo, or an organization's own
 * deployment), one of the Amigo regions, or another server by address. The region decides which
 * host the workspace's data comes from; it is confirmed again by the workspace itself.
 */
export const SignInTargetChooser = () => {
  const targets = useSession((s) => s.session?.targets ?? []);
  const serverDefault = useSession((s) => s.session?.targetId ?? null);
  const choice = useSession((s) => s.choice);
  const choose = useSession((s) => s.choose);
  const name = useId();
  const selected = choice?.kind === 'target' ? choice.id : choice?.kind === 'server' ? 'custom-address' : serverDefault;
  const address = choice?.kind === 'server' ? choice.address : '';

  return (
    <fieldset className="sign-in-targets" data-testid="sign-in-targets">
      <legend>Where do you sign in?</legend>
      {targets.map((target) => (
        <label key={target.id} className="sign-in-target">
          <input
            type="radio"
            name={name}
            value={target.id}
            checked={selected === target.id}
            onChange={() => choose({ kind: 'target', id: target.id })}
            data-testid={`sign-in-target-${target.id}`}
          />
          <span>{target.label}</span>
          <span className="mono">{new URL(target.apiUrl).host}</span>
        </label>
      ))}
      <label className="sign-in-target">
        <input
          type="radio"
          name={name}
          value="custom-address"
          checked={selected === 'custom-address'}
          onChange={() => choose({ kind: 'server', address })}
          data-testid="sign-in-target-custom"
        />
        <span>Another server</span>
      </label>
      {selected === 'custom-address' && (
        <input
          type="url"
          className="custom-server-input"
          aria-label="Server address"
          placeholder="https://attest.your-clinic.example"
          value={address}
          onChange={(event) => choose({ kind: 'server', address: event.target.value })}
          data-testid="custom-server-input"
        />
      )}
    </fieldset>
  );
};
